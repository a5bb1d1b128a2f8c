"""Exchanging codes with other research software: REFI-QDA (.qdpx, .qdc) and ConvoKit.

`EXPORTERS` is the seam `cakit export --to NAME` looks exporters up in (see `exporters`).
"""

from __future__ import annotations

from cakit.exchange.exporters import EXPORTERS, ExportDoc, Exporter, ExportInput

__all__ = ["EXPORTERS", "ExportDoc", "ExportInput", "Exporter"]

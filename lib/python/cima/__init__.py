# SPDX-License-Identifier: LGPL-2.1-or-later
"""Python binding of libcima in the shape of the CC evidence SDK.

    from cima import CimaSdk
    CimaSdk.inst().get_cc_report(nonce=nonce, data=user_data).dump()
"""
from ._lib import CimaError, CimaValueError
from .evidence import Evidence, EvidenceResult, verify_evidence
from .sdk import (CimaSdk, Digest, Event, Measurement, Replay, Report,
                  TcgAlgorithm)
from .tdx import (TdReport, TdxQuote, TdxQuoteBody, TdxQuoteHeader, TdxQuoteQeCert,
                  TdxQuoteQeReportCert, TdxQuoteSignature)

__all__ = ["CimaSdk", "CimaError", "CimaValueError", "Replay", "Digest", "Event", "Measurement", "Report",
           "TcgAlgorithm", "Evidence", "EvidenceResult", "verify_evidence",
           "TdxQuote", "TdxQuoteHeader", "TdxQuoteBody", "TdxQuoteSignature",
           "TdxQuoteQeCert", "TdxQuoteQeReportCert", "TdReport"]
__version__ = "0.1.0"

"""Audio upload analysis: container sniffing, header checks, loudness/peaks, renditions, fingerprints."""
from .analyse import Analysis, analyse
from .errors import Rejection
from .fingerprint import MATCH_MAX_BER, Fingerprint, Match, fingerprint, match
from .limits import Limits
from .render import render_download_mp3, render_stream
from .sniff import sniff

__all__ = ["Analysis", "Fingerprint", "Limits", "MATCH_MAX_BER", "Match", "Rejection", "analyse", "fingerprint",
           "match", "render_download_mp3", "render_stream", "sniff"]

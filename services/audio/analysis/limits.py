"""Acceptance limits for uploaded audio, overridable from the environment."""
from __future__ import annotations

from dataclasses import dataclass

from services.common.config import env_float, env_int


@dataclass(frozen=True)
class Limits:
    min_rate: int = 44100
    max_rate: int = 192000
    min_channels: int = 1
    # 8-bit PCM is audibly noisy (about 48 dB of dynamic range): not what a lossless beat store sells.
    # Float samples are never refused for depth: 32- and 64-bit float both carry more than 24-bit PCM.
    min_integer_bit_depth: int = 16
    max_channels: int = 2
    min_seconds: float = 10.0
    max_seconds: float = 900.0

    @classmethod
    def from_env(cls) -> "Limits":
        d = cls()
        return cls(
            min_rate=env_int("AUDIO_MIN_SAMPLE_RATE", d.min_rate),
            max_rate=env_int("AUDIO_MAX_SAMPLE_RATE", d.max_rate),
            min_channels=d.min_channels,
            min_integer_bit_depth=d.min_integer_bit_depth,
            max_channels=env_int("AUDIO_MAX_CHANNELS", d.max_channels),
            min_seconds=env_float("AUDIO_MIN_SECONDS", d.min_seconds),
            max_seconds=env_float("AUDIO_MAX_SECONDS", d.max_seconds),
        )

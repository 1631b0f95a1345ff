"""Acceptance limits for uploaded audio, overridable from the environment."""
from __future__ import annotations

from dataclasses import dataclass

from services.common.config import env_float, env_int


@dataclass(frozen=True)
class Limits:
    min_rate: int = 44100
    max_rate: int = 192000
    min_channels: int = 1
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
            max_channels=env_int("AUDIO_MAX_CHANNELS", d.max_channels),
            min_seconds=env_float("AUDIO_MIN_SECONDS", d.min_seconds),
            max_seconds=env_float("AUDIO_MAX_SECONDS", d.max_seconds),
        )

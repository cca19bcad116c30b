"""Remote cross-city bid evaluation (远程异地评标): expert client, consoles and venue service."""

__version__ = "0.1.0"

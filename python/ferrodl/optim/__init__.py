"""Optimizers, methods, triggers, metrics and summaries."""

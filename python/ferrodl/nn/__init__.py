"""Layers and criterions."""

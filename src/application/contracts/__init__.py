"""The published language: the only part of a context another context may import."""

"""airlock's module for scripts it runs in its sandbox: ``from airlock import llm``."""

"""Forms by page area: statements (the editor), meetings, sending. Forms validate input and
nothing more (docs/style.md §8)."""

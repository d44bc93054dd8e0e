"""Forms by page area: statements (the editor), meetings, sending. Forms validate input and
nothing more (STYLE.md §8)."""

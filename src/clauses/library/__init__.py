"""The clause library: content files loaded into typed, validated objects."""

from clauses.library.loader import Library, LibraryError, default_library_path, load_library

__all__ = ["Library", "LibraryError", "default_library_path", "load_library"]

"""One exception family for everything a user can act on.

Messages are one line and name the reason; callers prefix the file or document.
"""


class CtkbError(Exception):
    """Base class: anything the CLI/app turns into a one-line message."""


class InputError(CtkbError):
    """A source file cannot be turned into a document (empty, corrupt, encrypted, no text layer...)."""


class ParseTimeout(InputError):
    """Reading or parsing one file took longer than the per-file limit."""


class IndexError_(CtkbError):
    """The index cannot be opened or used (locked by another process, wrong model...)."""


class ModelMismatchError(IndexError_):
    """The index was built with another embedding model; mixing vectors is refused."""


class IndexLockedError(IndexError_):
    """The embedded Qdrant Edge shard is open in another process."""


class ModelUnavailableError(CtkbError):
    """The embedding model cannot be found or built offline."""


def unwrap_error(exc: BaseException) -> BaseException:
    """Haystack wraps component errors: return ours from the chain, else the innermost cause."""
    current: BaseException | None = exc
    last = exc
    while current is not None:
        if isinstance(current, CtkbError):
            return current
        last = current
        current = current.__cause__ or current.__context__
    return last

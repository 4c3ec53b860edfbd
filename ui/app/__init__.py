"""The Streamlit app (``ctkb ui``): pages render what ``ingest/`` and ``search/`` return.

Tested logic lives in ``markup.py`` (escaping, highlights, redlines), ``view_models.py`` (URL state,
table rows) and ``uploads.py`` (upload checks); ``resources.py`` holds the one runtime per process.
The HTML helper is not called ``html.py``: Streamlit puts this folder on ``sys.path`` and that name
would shadow the standard library's ``html`` module. The page scripts live in ``views/``, not
``pages/``: Streamlit would otherwise also build its legacy page list from a ``pages/`` folder.
"""

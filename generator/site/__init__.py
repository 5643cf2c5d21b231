"""Site: the build (MkDocs), the write stage and the preview server."""

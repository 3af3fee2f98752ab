"""The static site: public paths, page generation from the content, the MkDocs hook and theme, the
build and live preview, the security headers and robots.txt."""

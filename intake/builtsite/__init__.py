"""The built static site as the intake sees it.

current   which build a request sees: its page shell, content and security policy together
shell     the page shell: the intake's pages and the back office inside the site's own layout
content   the content the current build was made from, reloaded when a new build lands
serving   the site's files for every path the intake does not own, its 404 pages, `/healthz`
          (blueprint `site`)
"""

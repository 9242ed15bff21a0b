# The Littlest JupyterHub, one server for a class: copy this file to
# /opt/tljh/config/jupyterhub_config.d/book.py, then `sudo tljh-config reload`
# (deploy/README.md has every step). Each student's server puts the book's notebooks,
# trusted, in ~/book before it starts (deploy/deliver_book.sh, from the clone in
# /srv/book), and runs PyTorch on one thread.
c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)

c.Spawner.environment = {"OMP_NUM_THREADS": "1", "BOOK_DIR": "/srv/book"}
c.Spawner.cmd = ["/bin/sh", "-c",
                 'PATH=/opt/tljh/user/bin:$PATH sh /srv/book/deploy/deliver_book.sh && '
                 'exec /opt/tljh/user/bin/jupyterhub-singleuser "$@"', "--"]

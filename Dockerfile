# playbook serve in a container: the client forms and the consultant's live views.
#
#   docker build -t playbook .
#   docker run -d --name playbook -p 127.0.0.1:8866:8866 -v /srv/engagements:/data playbook \
#       --public-url https://forms.example.org/survey/
#   docker logs playbook          # the consultant links printed at start
#   docker exec playbook playbook invite /data/acme --all --public-url https://forms.example.org/survey/
#
# /data is one engagement folder or a folder of them; it must be writable by uid 10001 (the answer
# store lives there). The container listens on 8866 on every interface inside the container:
# publish it on 127.0.0.1 and put the reverse proxy of the README ("Putting it online") in front.
# Nothing in CI builds this image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/playbook
COPY pyproject.toml README.md constraints.txt ./
COPY playbook ./playbook
COPY notebooks ./notebooks
COPY templates ./templates
# The versions the tests passed with (constraints.txt), as in the README's install command.
RUN pip install . -c constraints.txt \
    && useradd --uid 10001 --create-home --shell /usr/sbin/nologin playbook \
    && mkdir -p /data && chown playbook:playbook /data

USER playbook
WORKDIR /home/playbook
VOLUME ["/data"]
EXPOSE 8866

ENTRYPOINT ["playbook", "serve", "/data", "--host", "0.0.0.0", "--port", "8866"]
# Extra arguments to 'docker run' are appended: --public-url, --base-url, --idle-timeout...
CMD []

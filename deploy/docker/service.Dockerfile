# One image for both services; the compose file picks the command.
FROM python:3.11-slim
WORKDIR /app
COPY constraints.txt ./
COPY events/ events/
COPY services/ services/
RUN pip install --no-cache-dir -c constraints.txt -e events -e services/ledger -e services/documents
USER nobody

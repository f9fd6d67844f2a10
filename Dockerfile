# One image for every Python process of the platform; docker-compose.yml picks the command per service.
# The SPA is built in a Node stage and copied in, so the gateway serves it from frontend/dist.
FROM node:20-bookworm-slim AS spa
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app/libs/servicekit:/app/libs/planfile:/app/services/agencies:/app/services/applications:/app/services/funding:/app/gateway:/app
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY libs/ libs/
COPY services/ services/
COPY gateway/ gateway/
COPY devtools/ devtools/
COPY plans/ plans/
COPY --from=spa /src/frontend/dist frontend/dist
RUN useradd --system --uid 10001 tpp && chown -R tpp /app
USER tpp

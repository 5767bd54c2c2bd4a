# One Ticket Hub instance (Next behind the fast read path, scheduler, alerts). See docker-compose.yml
# and README "Several instances". Build: docker build -t tickethub .
FROM node:20-bookworm-slim
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY prisma ./prisma
RUN npm install --no-audit --no-fund
COPY . .
# Builds once here; `npm start` then sees an up-to-date build and only migrates and starts.
RUN node scripts/start.mjs --prepare-only || npx next build
EXPOSE 3000
CMD ["npm", "start"]

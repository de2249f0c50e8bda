import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../metrics.ts';

/** GET /metrics: the Prometheus text exposition. */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });
}

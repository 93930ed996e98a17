import { MetricsService } from './metrics.service';

describe('MetricsService.bufferedCounter', () => {
  it('counts like a prom-client counter, folded in at scrape time, across scrapes', async () => {
    const metrics = new MetricsService();
    const requests = metrics.bufferedCounter('test_requests_total', 'requests', ['tenant', 'outcome']);
    for (let i = 0; i < 3; i++) requests.inc('acme', 'accepted');
    requests.inc('acme', 'bad-signature');
    requests.inc('globex', 'accepted');
    const first = await metrics.registry.metrics();
    expect(first).toContain('test_requests_total{tenant="acme",outcome="accepted"} 3');
    expect(first).toContain('test_requests_total{tenant="acme",outcome="bad-signature"} 1');
    expect(first).toContain('test_requests_total{tenant="globex",outcome="accepted"} 1');
    requests.inc('acme', 'accepted');
    const second = await metrics.registry.metrics();
    expect(second).toContain('test_requests_total{tenant="acme",outcome="accepted"} 4');
    expect(second).toContain('test_requests_total{tenant="globex",outcome="accepted"} 1');
  });

  it('hands out one counter per name, so a second caller counts into the same series', async () => {
    const metrics = new MetricsService();
    metrics.bufferedCounter('test_shared_total', 'shared', ['tenant']).inc('a');
    metrics.bufferedCounter('test_shared_total', 'shared', ['tenant']).inc('a');
    expect(await metrics.registry.metrics()).toContain('test_shared_total{tenant="a"} 2');
  });
});

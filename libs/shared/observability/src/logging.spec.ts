import { redactUrl } from './logging';

describe('redactUrl', () => {
  it('keeps the path and harmless parameters, and hides the verify token and anything secret-looking', () => {
    expect(redactUrl('/webhooks/whatsapp/acme?hub.mode=subscribe&hub.verify_token=s3cret&hub.challenge=42')).toBe(
      '/webhooks/whatsapp/acme?hub.mode=subscribe&hub.verify_token=%5Bredacted%5D&hub.challenge=42',
    );
    expect(redactUrl('/v1/messages?access_token=x&api_key=y&status=failed')).toBe('/v1/messages?access_token=%5Bredacted%5D&api_key=%5Bredacted%5D&status=failed');
    expect(redactUrl('/health/ready')).toBe('/health/ready');
  });
});

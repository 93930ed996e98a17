import fc from 'fast-check';

import { decideRouting } from './routing';

describe('decideRouting', () => {
  it('keeps a delivery whole when every entry is one tenant\'s', () => {
    expect(decideRouting(['acme', 'acme'])).toEqual({ kind: 'whole', tenantId: 'acme' });
  });

  it('splits across tenants, keeping the order each tenant was first seen in', () => {
    expect(decideRouting(['b', 'a', 'b'])).toEqual({ kind: 'split', parts: [{ tenantId: 'b', entries: [0, 2] }, { tenantId: 'a', entries: [1] }], unrouted: [] });
  });

  it('splits off entries no tenant owns yet', () => {
    expect(decideRouting(['a', undefined])).toEqual({ kind: 'split', parts: [{ tenantId: 'a', entries: [0] }], unrouted: [1] });
  });

  it('keeps a delivery that no tenant owns, whole, for the unrouted topic', () => {
    expect(decideRouting([undefined, undefined])).toEqual({ kind: 'unrouted', entries: [0, 1] });
    expect(decideRouting([])).toEqual({ kind: 'unrouted', entries: [] });
  });

  it('places every entry exactly once', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }), { maxLength: 20 }), (owners) => {
        const d = decideRouting(owners);
        const placed = d.kind === 'whole' ? owners.map((_, i) => i) : d.kind === 'unrouted' ? d.entries : [...d.parts.flatMap((p) => p.entries), ...d.unrouted];
        expect([...placed].sort((x, y) => x - y)).toEqual(owners.map((_, i) => i));
        if (d.kind === 'split') for (const p of d.parts) for (const i of p.entries) expect(owners[i]).toBe(p.tenantId);
      }),
    );
  });
});

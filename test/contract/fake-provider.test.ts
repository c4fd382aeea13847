import { CREDENTIALS, startFakeDodo, startFakeKelviq, startFakeSalla, startFakeSuperOffice } from './fakes';

/**
 * The fakes are only worth their passing tests if they catch a request that
 * breaks the seed operation: each case here sends one and expects it flagged.
 */
describe('the contract fakes refuse requests that break the seed operations', () => {
  it('Dodo: a files call without file_name, and an unknown query parameter', async () => {
    const dodo = await startFakeDodo();
    try {
      const auth = { authorization: `Bearer ${CREDENTIALS.dodoApiKey}`, 'content-type': 'application/json' };
      await fetch(`${dodo.url}/products/p/files`, { method: 'PUT', headers: auth, body: '{}' });
      await fetch(`${dodo.url}/products/p/images?force=1`, { method: 'PUT', headers: auth });
      expect(dodo.violations).toHaveLength(2);
      const wrongKey = await fetch(`${dodo.url}/products/p/images`, {
        method: 'PUT',
        headers: { authorization: 'Bearer nope' },
      });
      expect(wrongKey.status).toBe(401);
    } finally {
      await dodo.close();
    }
  });

  it('Salla: a form without photo, and a JSON body', async () => {
    const salla = await startFakeSalla();
    try {
      const headers = { authorization: `Bearer ${CREDENTIALS.sallaToken}` };
      const form = new FormData();
      form.append('alt', 'x');
      await fetch(`${salla.url}/products/images/1`, { method: 'POST', headers, body: form });
      await fetch(`${salla.url}/products/images/1`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ photo: 'https://x.test/a.png' }),
      });
      expect(salla.violations).toHaveLength(2);
    } finally {
      await salla.close();
    }
  });

  it('SuperOffice: a webp body, and a product id that is not an int32', async () => {
    const superOffice = await startFakeSuperOffice();
    try {
      const headers = { authorization: `SoTicket ${CREDENTIALS.superOfficeTicket}` };
      const body = new Uint8Array([1, 2, 3]);
      await fetch(`${superOffice.url}/api/v1/Product/1/Image`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'image/webp' },
        body,
      });
      await fetch(`${superOffice.url}/api/v1/Product/abc/Image`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'image/png' },
        body,
      });
      expect(superOffice.violations).toHaveLength(2);
      const noAuth = await fetch(`${superOffice.url}/api/v1/Product/1/Image`, {
        method: 'PUT',
        headers: { 'content-type': 'image/png' },
        body,
      });
      expect(noAuth.status).toBe(401);
    } finally {
      await superOffice.close();
    }
  });

  it('Kelviq: a non-uuid image id, and a field of the wrong type', async () => {
    const kelviq = await startFakeKelviq();
    try {
      const headers = { authorization: `Bearer ${CREDENTIALS.kelviqKey}`, 'content-type': 'application/json' };
      const product = '0d65f7c0-7e91-4f56-9b32-13a9a6a7c1de';
      await fetch(`${kelviq.url}/catalog/products/${product}/image/7/`, { method: 'PATCH', headers, body: '{}' });
      await fetch(`${kelviq.url}/catalog/products/${product}/image/${product}/`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({ ordering: 'first' }),
      });
      expect(kelviq.violations).toHaveLength(2);
    } finally {
      await kelviq.close();
    }
  });
});

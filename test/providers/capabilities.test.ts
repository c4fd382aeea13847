import { randomUUID } from 'node:crypto';
import { formatGlobalId } from '../../src/domain/ids';
import type { ProviderName } from '../../src/domain/model';
import {
  providerEnv,
  startFakeDodo,
  startFakeKelviq,
  startFakeSalla,
  startFakeSuperOffice,
  type FakeDodo,
  type FakeKelviq,
  type FakeSalla,
  type FakeSuperOffice,
} from '../contract/fakes';
import type { FakeProvider } from '../contract/fake-provider';
import { makeImage } from '../helpers/images';
import {
  CONFIRM_IMAGE_UPLOAD,
  REQUEST_FILE_UPLOAD,
  REQUEST_IMAGE_UPLOAD,
  startTestServer,
  UPDATE_IMAGE,
  updateImageWithFile,
  type TestServer,
} from '../helpers/server';

let fakes: { dodo: FakeDodo; salla: FakeSalla; superOffice: FakeSuperOffice; kelviq: FakeKelviq };
let t: TestServer;
beforeAll(async () => {
  fakes = {
    dodo: await startFakeDodo(),
    salla: await startFakeSalla(),
    superOffice: await startFakeSuperOffice(),
    kelviq: await startFakeKelviq(),
  };
  t = await startTestServer(providerEnv(fakes));
});
afterAll(async () => {
  await t.stop();
  await Promise.all(Object.values(fakes).map((f) => f.close()));
});

const PRODUCT: Record<Exclude<ProviderName, 'LOCAL'>, string> = {
  DODO_PAYMENTS: 'pdt_9',
  SALLA: '9',
  SUPEROFFICE: '9',
  KELVIQ: randomUUID(),
};
const IMAGE: Record<Exclude<ProviderName, 'LOCAL'>, string> = {
  DODO_PAYMENTS: 'primary',
  SALLA: '9001',
  SUPEROFFICE: 'primary',
  KELVIQ: randomUUID(),
};
const imageOf = (provider: Exclude<ProviderName, 'LOCAL'>) =>
  formatGlobalId({ kind: 'ProductImage', provider, productId: PRODUCT[provider], localId: IMAGE[provider] });
const fakeOf = (provider: Exclude<ProviderName, 'LOCAL'>): FakeProvider =>
  ({ DODO_PAYMENTS: fakes.dodo, SALLA: fakes.salla, SUPEROFFICE: fakes.superOffice, KELVIQ: fakes.kelviq })[provider];

/** Every `-` cell of the contract's capability table, as the mutation that asks for it and the field named. */
const REFUSED: [Exclude<ProviderName, 'LOCAL'>, string, string[]][] = [
  ['DODO_PAYMENTS', 'updateImage.alt', ['input', 'alt']],
  ['DODO_PAYMENTS', 'updateImage.name', ['input', 'name']],
  ['DODO_PAYMENTS', 'updateImage.ordering', ['input', 'ordering']],
  ['DODO_PAYMENTS', 'updateImage.enabled', ['input', 'enabled']],
  ['DODO_PAYMENTS', 'requestImageUpload.alt', ['input', 'alt']],
  ['DODO_PAYMENTS', 'requestImageUpload.name', ['input', 'name']],
  ['SALLA', 'requestImageUpload', ['input', 'provider']],
  ['SALLA', 'requestFileUpload', ['input', 'provider']],
  ['SALLA', 'updateImage.name', ['input', 'name']],
  ['SALLA', 'updateImage.enabled', ['input', 'enabled']],
  ['SUPEROFFICE', 'requestFileUpload', ['input', 'provider']],
  ['SUPEROFFICE', 'updateImage.alt', ['input', 'alt']],
  ['SUPEROFFICE', 'updateImage.name', ['input', 'name']],
  ['SUPEROFFICE', 'updateImage.ordering', ['input', 'ordering']],
  ['SUPEROFFICE', 'updateImage.enabled', ['input', 'enabled']],
  ['KELVIQ', 'requestImageUpload', ['input', 'provider']],
  ['KELVIQ', 'requestFileUpload', ['input', 'provider']],
  ['KELVIQ', 'updateImage.file', ['input', 'file']],
  ['KELVIQ', 'updateImage.sourceUrl', ['input', 'sourceUrl']],
  ['KELVIQ', 'updateImage.alt', ['input', 'alt']],
  ['SALLA', 'confirmImageUpload', ['input', 'id']],
  ['KELVIQ', 'confirmImageUpload', ['input', 'id']],
];

const VALUE: Record<string, unknown> = { alt: 'alt text', name: 'a name', ordering: 3, enabled: false };

async function ask(provider: Exclude<ProviderName, 'LOCAL'>, what: string) {
  const [mutation, field] = what.split('.') as [string, string | undefined];
  if (mutation === 'requestImageUpload') {
    const input = { productId: PRODUCT[provider], provider, ...(field ? { [field]: VALUE[field] } : {}) };
    return (await t.gql(REQUEST_IMAGE_UPLOAD, { input })).body.data.requestImageUpload;
  }
  if (mutation === 'requestFileUpload') {
    const input = { productId: PRODUCT[provider], provider, fileName: 'a.pdf' };
    return (await t.gql(REQUEST_FILE_UPLOAD, { input })).body.data.requestFileUpload;
  }
  if (mutation === 'confirmImageUpload') {
    return (await t.gql(CONFIRM_IMAGE_UPLOAD, { id: imageOf(provider) })).body.data.confirmImageUpload;
  }
  if (field === 'file') {
    const res = await updateImageWithFile(t, { id: imageOf(provider) }, await makeImage(10, 10));
    return ((await res.json()) as any).data.updateImage;
  }
  const value = field === 'sourceUrl' ? 'https://images.example.com/a.png' : VALUE[field!];
  return (await t.gql(UPDATE_IMAGE, { input: { id: imageOf(provider), [field!]: value } })).body.data.updateImage;
}

describe('the capability table', () => {
  it('lists every provider as configured, with the table’s capabilities', async () => {
    const res = await t.gql(`{ mediaProviders { provider configured singleImage capabilities } }`);
    const byName = Object.fromEntries(res.body.data.mediaProviders.map((p: any) => [p.provider, p]));
    expect(byName.DODO_PAYMENTS).toMatchObject({ configured: true, singleImage: true });
    expect(byName.SUPEROFFICE).toMatchObject({ configured: true, singleImage: true });
    expect(byName.SALLA.capabilities).toEqual(
      expect.arrayContaining([
        'REPLACE_IMAGE_FILE',
        'IMAGE_FROM_URL',
        'UPDATE_ALT',
        'UPDATE_ORDERING',
        'IMAGE_VARIANTS',
      ]),
    );
    for (const name of ['DODO_PAYMENTS', 'SUPEROFFICE']) expect(byName[name].capabilities).toContain('CONFIRM_UPLOAD');
    expect(byName.KELVIQ.capabilities.sort()).toEqual([
      'REORDER_IMAGES',
      'SET_THUMBNAIL',
      'UPDATE_ENABLED',
      'UPDATE_NAME',
      'UPDATE_ORDERING',
    ]);
  });

  it.each(REFUSED)('%s refuses %s with UNSUPPORTED_BY_PROVIDER and sends no request', async (provider, what, field) => {
    const fake = fakeOf(provider);
    const before = fake.attempts;
    const payload = await ask(provider, what);
    expect(payload.userErrors).toEqual([
      expect.objectContaining({ code: 'UNSUPPORTED_BY_PROVIDER', field, provider, retryable: false }),
    ]);
    expect(fake.attempts).toBe(before);
    expect(fake.violations).toEqual([]);
  });
});

describe('capabilities are declared once', () => {
  it.each(['LOCAL', 'DODO_PAYMENTS', 'SALLA', 'SUPEROFFICE', 'KELVIQ'] as const)(
    '%s: the upload methods exist exactly when their capability is listed',
    (name) => {
      const provider = t.server.media.providers.get(name);
      expect(provider.configured).toBe(true);
      expect(typeof provider.requestImageUpload === 'function').toBe(provider.capabilities.has('REQUEST_IMAGE_UPLOAD'));
      expect(typeof provider.requestFileUpload === 'function').toBe(provider.capabilities.has('REQUEST_FILE_UPLOAD'));
      // Whoever hands out upload targets takes confirmations of them.
      const uploads =
        provider.capabilities.has('REQUEST_IMAGE_UPLOAD') || provider.capabilities.has('REQUEST_FILE_UPLOAD');
      expect(provider.capabilities.has('CONFIRM_UPLOAD')).toBe(uploads);
      // A gallery can be reordered where there is one and its orderings can be stored.
      const gallery = !provider.singleImage && provider.capabilities.has('UPDATE_ORDERING');
      expect(provider.capabilities.has('REORDER_IMAGES')).toBe(gallery);
      // Only LOCAL deletes what has bytes: the remote providers' references have no delete operation.
      expect(provider.capabilities.has('DELETE_IMAGE')).toBe(name === 'LOCAL');
      expect(provider.capabilities.has('DELETE_FILE')).toBe(name === 'LOCAL');
      expect(typeof provider.discardBlobs === 'function').toBe(name === 'LOCAL');
      // Taking file bytes at the subgraph's own URLs is a way of offering file uploads, never more.
      if (provider.writeFile) expect(provider.capabilities.has('REQUEST_FILE_UPLOAD')).toBe(true);
    },
  );
});

describe('a provider without credentials', () => {
  it('is listed as not configured and refuses every write with PROVIDER_NOT_CONFIGURED', async () => {
    const bare = await startTestServer();
    try {
      const list = await bare.gql(`{ mediaProviders { provider configured } }`);
      expect(list.body.data.mediaProviders).toEqual([
        { provider: 'LOCAL', configured: true },
        { provider: 'DODO_PAYMENTS', configured: false },
        { provider: 'SALLA', configured: false },
        { provider: 'SUPEROFFICE', configured: false },
        { provider: 'KELVIQ', configured: false },
      ]);
      const res = await bare.gql(UPDATE_IMAGE, { input: { id: imageOf('KELVIQ'), ordering: 1 } });
      expect(res.body.data.updateImage.userErrors[0]).toMatchObject({
        code: 'PROVIDER_NOT_CONFIGURED',
        provider: 'KELVIQ',
      });
    } finally {
      await bare.stop();
    }
  });
});

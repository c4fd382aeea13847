import { formatGlobalId } from '../../src/domain/ids';
import { providerEnv, startFakeSalla, type FakeSalla } from '../contract/fakes';
import { makeImage } from '../helpers/images';
import { SET_THUMBNAIL, startTestServer, UPDATE_IMAGE, updateImageWithFile, type TestServer } from '../helpers/server';

let salla: FakeSalla;
let t: TestServer;
beforeAll(async () => {
  salla = await startFakeSalla();
  t = await startTestServer(providerEnv({ salla }));
});
afterAll(async () => {
  await t.stop();
  await salla.close();
});
afterEach(() => expect(salla.violations).toEqual([]));

const sallaImage = (productId: string, imageId: string) =>
  formatGlobalId({ kind: 'ProductImage', provider: 'SALLA', productId, localId: imageId });

describe('Salla', () => {
  it('updateImage with a file sends multipart photo, alt, sort and default, and records the renditions', async () => {
    const png = await makeImage(120, 90);
    const id = sallaImage('p-1', '2034175368');
    const before = salla.requests.length;
    const res = await updateImageWithFile(t, { id, alt: 'Dress image', ordering: 4, thumbnail: true }, png);
    const body = (await res.json()) as any;
    expect(body.data.updateImage.userErrors).toEqual([]);

    const sent = salla.requests.slice(before);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /admin/v2/products/images/2034175368']);
    expect(sent[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(sent[0]!.headers.authorization).toBe('Bearer salla-test-token-81be3d');
    expect(sent[0]!.body).toMatchObject({ alt: 'Dress image', sort: 4, default: 1 });
    expect(sent[0]!.files).toHaveLength(1);
    expect(sent[0]!.files[0]!.bytes.equals(png)).toBe(true);
    expect(sent[0]!.files[0]!.contentType).toBe('image/png');

    const image = body.data.updateImage.image;
    expect(image).toMatchObject({
      id,
      provider: 'SALLA',
      status: 'READY',
      providerImageId: '2034175368',
      alt: 'Dress image',
      ordering: 4,
      isThumbnail: true,
      width: 120,
      height: 90,
      contentType: 'image/png',
    });
    const original = salla.images.get('2034175368')!.photoUrl;
    expect(image.url).toBe(original);
    expect(image.variants).toEqual([
      { kind: 'ORIGINAL', url: original, width: null, height: null },
      { kind: 'STANDARD', url: original.replace('.png', '-std.png'), width: 866, height: 1000 },
      { kind: 'LOW', url: original.replace('.png', '-low.png'), width: 433, height: 500 },
      { kind: 'THUMBNAIL', url: original.replace('.png', '-thumb.png'), width: 104, height: 120 },
    ]);
  });

  it("url(transform:) is the smallest of Salla's renditions that covers the box (else the original), never an error", async () => {
    const id = sallaImage('p-best', '2034175369');
    const res = await updateImageWithFile(t, { id }, await makeImage(120, 90));
    expect(((await res.json()) as any).data.updateImage.userErrors).toEqual([]);
    const original = salla.images.get('2034175369')!.photoUrl;
    const before = salla.requests.length;
    const query = `query($id: ID!) { productImage(id: $id) {
      small: url(transform: { maxWidth: 100, maxHeight: 100, format: WEBP })
      low: url(transform: { maxWidth: 400 })
      standard: url(transform: { maxHeight: 900, crop: NONE })
      huge: url(transform: { maxWidth: 2000, format: AVIF })
      plain: url
      srcSet(format: WEBP)
    } }`;
    const image = ((await t.gql(query, { id })).body as any).data.productImage;
    expect(image).toEqual({
      small: original.replace('.png', '-thumb.png'),
      low: original.replace('.png', '-low.png'),
      standard: original.replace('.png', '-std.png'),
      huge: original,
      plain: original,
      srcSet: [
        `${original.replace('.png', '-thumb.png')} 104w`,
        `${original.replace('.png', '-low.png')} 433w`,
        `${original.replace('.png', '-std.png')} 866w`,
      ].join(', '),
    });
    // Read from what the index holds: nothing is asked of Salla.
    expect(salla.requests.length).toBe(before);
  });

  it('updateImage with a sourceUrl hands the URL to Salla as photo, fetching nothing itself', async () => {
    const id = sallaImage('p-2', '713368802');
    const before = salla.requests.length;
    // Unreachable from here: it succeeds only because Salla, not the subgraph, fetches it.
    const res = await t.gql(UPDATE_IMAGE, { input: { id, sourceUrl: 'https://images.example.com/dress.png' } });
    expect(res.body.data.updateImage.userErrors).toEqual([]);
    const sent = salla.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toEqual({ photo: 'https://images.example.com/dress.png' });
    expect(sent[0]!.files).toEqual([]);
    expect(res.body.data.updateImage.image).toMatchObject({
      url: 'https://images.example.com/dress.png',
      status: 'READY',
    });
  });

  it('metadata-only updates re-send the known original URL as photo', async () => {
    const id = sallaImage('p-2', '713368802');
    const before = salla.requests.length;
    const res = await t.gql(UPDATE_IMAGE, { input: { id, alt: 'Blue dress', ordering: 2 } });
    expect(res.body.data.updateImage.userErrors).toEqual([]);
    expect(salla.requests.slice(before).map((r) => r.body)).toEqual([
      { photo: 'https://images.example.com/dress.png', alt: 'Blue dress', sort: 2 },
    ]);
    expect(res.body.data.updateImage.image).toMatchObject({ alt: 'Blue dress', ordering: 2 });
  });

  it('setThumbnail sends default=1 with the known photo, and the product keeps one thumbnail', async () => {
    const first = sallaImage('p-3', '1001');
    const second = sallaImage('p-3', '1002');
    await t.gql(UPDATE_IMAGE, { input: { id: first, sourceUrl: 'https://images.example.com/1.png', thumbnail: true } });
    await t.gql(UPDATE_IMAGE, { input: { id: second, sourceUrl: 'https://images.example.com/2.png' } });
    const before = salla.requests.length;
    const res = await t.gql(SET_THUMBNAIL, { imageId: second });
    expect(res.body.data.setThumbnail).toMatchObject({ userErrors: [], product: { thumbnail: { id: second } } });
    expect(salla.requests.slice(before).map((r) => [r.path, r.body])).toEqual([
      ['/admin/v2/products/images/1002', { photo: 'https://images.example.com/2.png', default: 1 }],
    ]);
    const product = await t.gql(`{ productMedia(productId: "p-3") { images { id isThumbnail } } }`);
    expect(product.body.data.productMedia.images).toEqual([
      { id: first, isThumbnail: false },
      { id: second, isThumbnail: true },
    ]);
  });

  it('metadata-only updates of an image with no known original fail with INVALID_INPUT and send nothing', async () => {
    const before = salla.attempts;
    const update = await t.gql(UPDATE_IMAGE, { input: { id: sallaImage('p-4', '555'), alt: 'x' } });
    expect(update.body.data.updateImage.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', provider: 'SALLA' });
    const thumb = await t.gql(SET_THUMBNAIL, { imageId: sallaImage('p-4', '555') });
    expect(thumb.body.data.setThumbnail.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT' });
    expect(salla.attempts).toBe(before);
    const product = await t.gql(`{ productMedia(productId: "p-4") { images { id } } }`);
    expect(product.body.data.productMedia.images).toEqual([]);
  });

  it('a 404 from Salla is NOT_FOUND and records nothing', async () => {
    salla.missing.add('404404');
    const res = await t.gql(UPDATE_IMAGE, {
      input: { id: sallaImage('p-5', '404404'), sourceUrl: 'https://images.example.com/x.png' },
    });
    expect(res.body.data.updateImage).toMatchObject({
      image: null,
      userErrors: [{ code: 'NOT_FOUND', provider: 'SALLA', retryable: false }],
    });
    expect(res.body.data.updateImage.userErrors[0].message).toContain('غير متوفر');
    const product = await t.gql(`{ productMedia(productId: "p-5") { images { id } } }`);
    expect(product.body.data.productMedia.images).toEqual([]);
  });

  it('refuses non-numeric image ids before any call', async () => {
    const before = salla.attempts;
    const res = await t.gql(UPDATE_IMAGE, { input: { id: sallaImage('p-1', 'abc'), alt: 'x' } });
    expect(res.body.data.updateImage.userErrors[0]).toMatchObject({ code: 'INVALID_ID', field: ['input', 'id'] });
    expect(salla.attempts).toBe(before);
  });
});

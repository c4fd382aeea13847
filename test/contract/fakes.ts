import { randomUUID } from 'node:crypto';
import express, { type Request } from 'express';
import { bearer, startFakeProvider, type FakeProvider } from './fake-provider';

/** Credentials the fakes accept; the subgraph under test is configured with them. */
export const CREDENTIALS = {
  dodoApiKey: 'dodo-test-key-5f2c9a',
  sallaToken: 'salla-test-token-81be3d',
  superOfficeTicket: '7T:c2VjcmV0LXRpY2tldA==',
  superOfficeAppToken: 'so-app-token-19ac4e',
  kelviqKey: 'kelviq-test-key-c04d77',
};

/** Bytes PUT to the fake Dodo bucket, by object key. */
export interface FakeDodo extends FakeProvider {
  objects: Map<string, { bytes: Buffer; contentType: string | undefined }>;
  /** Every PUT to the bucket, refused or not. */
  bucketPuts: number;
  /** How long the presigned URLs it hands out live. */
  urlLifetimeSeconds: number;
}

/**
 * Dodo Payments: both upload operations answer a presigned URL into a fake S3
 * bucket on the same server, which wants a Content-Length (as S3 does) and
 * refuses expired URLs with 403.
 */
export async function startFakeDodo(): Promise<FakeDodo> {
  const objects: FakeDodo['objects'] = new Map();
  // eslint-disable-next-line prefer-const -- assigned once the server is up; the closures read it later
  let fake!: FakeDodo;
  const presign = (key: string) => {
    const now = new Date();
    const amzDate = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    return `${fake.origin}/s3/dodo-bucket/${key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${amzDate}&X-Amz-Expires=${fake.urlLifetimeSeconds}&X-Amz-Signature=${randomUUID().replace(/-/g, '')}`;
  };
  const base = await startFakeProvider({
    fixtures: ['dodo-payments.update-product-images.yaml', 'dodo-payments.update-product-files.yaml'],
    basePath: '',
    security: { API_KEY: bearer(CREDENTIALS.dodoApiKey) },
    routes(router) {
      router.put('/products/:id/images', (req, res) => {
        const imageId = randomUUID();
        res.json({ image_id: imageId, url: presign(`products/${req.params.id}/images/${imageId}`) });
      });
      router.put('/products/:id/files', (req, res) => {
        const fileId = randomUUID();
        const { file_name } = req.body as { file_name: string };
        res.json({ file_id: fileId, url: presign(`products/${req.params.id}/files/${fileId}/${file_name}`) });
      });
    },
    extraRoutes(app) {
      app.put('/s3/dodo-bucket/*key', express.raw({ type: () => true, limit: '64mb' }), (req: Request, res) => {
        fake.bucketPuts += 1;
        if (req.headers['content-length'] === undefined) {
          res.status(411).type('application/xml').send('<Error><Message>MissingContentLength</Message></Error>');
          return;
        }
        const signedAt = (req.query['X-Amz-Date'] as string).replace(
          /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
          '$1-$2-$3T$4:$5:$6Z',
        );
        if (Date.parse(signedAt) + Number(req.query['X-Amz-Expires']) * 1000 < Date.now()) {
          res.status(403).type('application/xml').send('<Error><Message>Request has expired</Message></Error>');
          return;
        }
        const key = (req.params as { key: string[] }).key.join('/');
        objects.set(key, { bytes: req.body as Buffer, contentType: req.headers['content-type'] });
        res.status(200).end();
      });
    },
  });
  fake = Object.assign(base, { objects, bucketPuts: 0, urlLifetimeSeconds: 60 });
  return fake;
}

/** Salla's image as the fake holds it. */
interface SallaImage {
  id: string;
  photoUrl: string;
  sort: number;
  isDefault: boolean;
  alt: string;
}

export interface FakeSalla extends FakeProvider {
  images: Map<string, SallaImage>;
  /** Image ids it answers 404 for. */
  missing: Set<string>;
}

/**
 * Salla: `POST /products/images/{image-id}` replaces the image from `photo`
 * (a file or a URL) and answers its four renditions with fractional sizes,
 * like the seed's second example.
 */
export async function startFakeSalla(): Promise<FakeSalla> {
  const images: FakeSalla['images'] = new Map();
  const missing = new Set<string>();
  let uploads = 0;
  const base = await startFakeProvider({
    fixtures: ['salla.update-image.yaml'],
    basePath: '/admin/v2',
    security: { bearer: bearer(CREDENTIALS.sallaToken) },
    multipart: true,
    routes(router, fake) {
      router.post('/products/images/:imageId', (req, res) => {
        const id = req.params.imageId;
        if (missing.has(id)) {
          res.status(404).json({
            status: 404,
            success: false,
            error: { code: 'error', message: 'المحتوى الذي تحاول الوصول اليه غير متوفر' },
          });
          return;
        }
        const body = req.body as Record<string, string>;
        const file = fake.requests.at(-1)?.files.find((f) => f.field === 'photo');
        uploads += 1;
        const photoUrl = file ? `https://cdn.salla.test/bYQEn/upload-${uploads}.png` : body.photo!;
        const previous = images.get(id);
        const image: SallaImage = {
          id,
          photoUrl,
          sort: body.sort !== undefined ? Number(body.sort) : (previous?.sort ?? 0),
          isDefault: body.default !== undefined ? body.default === '1' : (previous?.isDefault ?? false),
          alt: body.alt ?? previous?.alt ?? '',
        };
        if (image.isDefault) for (const other of images.values()) other.isDefault = false;
        images.set(id, image);
        const rendition = (suffix: string, width: number, height: number) => ({
          url: photoUrl.replace(/(\.\w+)?$/, `${suffix}$1`),
          width,
          height,
        });
        res.status(201).json({
          status: 201,
          success: true,
          data: {
            id: Number(id),
            image: {
              original: { url: photoUrl, width: 0, height: 0 },
              standard_resolution: rendition('-std', 865.8008658008658, 1000),
              low_resolution: rendition('-low', 432.9004329004329, 500),
              thumbnail: rendition('-thumb', 103.89610389610388, 119.99999999999999),
            },
            sort: image.sort,
            default: image.isDefault,
            alt_seo: image.alt,
            video_url: '',
            type: 'image',
          },
        });
      });
    },
  });
  return Object.assign(base, { images, missing });
}

export interface FakeSuperOffice extends FakeProvider {
  /** The last image saved per product. */
  images: Map<string, { blobId: number; bytes: Buffer; contentType: string | undefined }>;
}

/** SuperOffice: the raw-image PUT answers a new blob id, and 400 when the body is empty. */
export async function startFakeSuperOffice(): Promise<FakeSuperOffice> {
  const images: FakeSuperOffice['images'] = new Map();
  let nextBlobId = 460;
  const base = await startFakeProvider({
    fixtures: ['superoffice.product-save-image.yaml'],
    basePath: '/Cust12345',
    security: {
      SoTicket: (req) => req.headers.authorization === `SoTicket ${CREDENTIALS.superOfficeTicket}`,
      Basic: () => false,
      Bearer: () => false,
    },
    routes(router) {
      router.put('/api/v1/Product/:productId/Image', (req, res) => {
        if (req.headers['so-apptoken'] !== CREDENTIALS.superOfficeAppToken) {
          res.status(403).json({ Error: true, ErrorMessage: 'Unknown application' });
          return;
        }
        const bytes = req.body as Buffer;
        if (!Buffer.isBuffer(bytes) || bytes.length === 0) {
          res.status(400).json({ Error: true, ErrorMessage: 'Image bitmap is missing from body.' });
          return;
        }
        const blobId = nextBlobId++;
        images.set(req.params.productId, { blobId, bytes, contentType: req.headers['content-type'] });
        res.json(blobId);
      });
    },
  });
  return Object.assign(base, { images });
}

interface KelviqImage {
  id: string;
  name: string | null;
  image: string;
  ordering: number;
  thumbnail: boolean;
  enabled: boolean;
}

export interface FakeKelviq extends FakeProvider {
  /** Images by product uuid; tests add the ones that exist at Kelviq. */
  products: Map<string, KelviqImage[]>;
  addImage(productId: string, image?: Partial<KelviqImage>): KelviqImage;
}

/** Kelviq: PATCH edits an image's metadata; `thumbnail: true` clears the flag on the product's other images. */
export async function startFakeKelviq(): Promise<FakeKelviq> {
  const products: FakeKelviq['products'] = new Map();
  const base = await startFakeProvider({
    fixtures: ['kelviq.update-product-image.yaml'],
    basePath: '/api/v1',
    security: { bearerAuth: bearer(CREDENTIALS.kelviqKey) },
    routes(router) {
      router.patch('/catalog/products/:productPk/image/:pk/', (req, res) => {
        const image = products.get(req.params.productPk)?.find((i) => i.id === req.params.pk);
        if (!image) {
          res.status(404).json({ detail: 'No ProductImage matches the given query.' });
          return;
        }
        const body = req.body as Partial<KelviqImage>;
        if (body.thumbnail === true) for (const other of products.get(req.params.productPk)!) other.thumbnail = false;
        Object.assign(image, body);
        res.json(image);
      });
    },
  });
  const fake = Object.assign(base, {
    products,
    addImage(productId: string, image: Partial<KelviqImage> = {}) {
      const full: KelviqImage = {
        id: randomUUID(),
        name: 'hero-banner.png',
        image: `https://cdn.kelviq.test/media/products/${productId}/${randomUUID()}/hero-banner.png`,
        ordering: 0,
        thumbnail: false,
        enabled: true,
        ...image,
      };
      products.set(productId, [...(products.get(productId) ?? []), full]);
      return full;
    },
  });
  return fake;
}

/** The subgraph's environment for all four fakes. */
export function providerEnv(fakes: {
  dodo?: FakeProvider;
  salla?: FakeProvider;
  superOffice?: FakeProvider;
  kelviq?: FakeProvider;
}): Record<string, string> {
  const env: Record<string, string> = {};
  if (fakes.dodo)
    Object.assign(env, { DODO_PAYMENTS_API_KEY: CREDENTIALS.dodoApiKey, DODO_PAYMENTS_BASE_URL: fakes.dodo.url });
  if (fakes.salla) Object.assign(env, { SALLA_ACCESS_TOKEN: CREDENTIALS.sallaToken, SALLA_BASE_URL: fakes.salla.url });
  if (fakes.superOffice) {
    Object.assign(env, {
      SUPEROFFICE_BASE_URL: fakes.superOffice.url,
      SUPEROFFICE_TICKET: CREDENTIALS.superOfficeTicket,
      SUPEROFFICE_APP_TOKEN: CREDENTIALS.superOfficeAppToken,
    });
  }
  if (fakes.kelviq) Object.assign(env, { KELVIQ_API_KEY: CREDENTIALS.kelviqKey, KELVIQ_BASE_URL: fakes.kelviq.url });
  return env;
}

import { startChildServer, type ChildServer } from '../helpers/child-server';
import { makeImage } from '../helpers/images';
import { multipartBody, postHead, rawRequest } from '../helpers/raw-http';
import {
  graphqlClient,
  startTestServer,
  tempDataDir,
  UPDATE_IMAGE,
  updateImageWithFile,
  uploadImage,
  type TestServer,
} from '../helpers/server';

const BOUNDARY = 'product-media-test-boundary';
const MAX_IMAGE_BYTES = 50_000;

const operations = (id: string) =>
  `Content-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({
    query: UPDATE_IMAGE,
    variables: { input: { id, file: null, alt: 'from multipart' } },
  })}`;
const map = (paths: Record<string, string[]>) =>
  `Content-Disposition: form-data; name="map"\r\n\r\n${JSON.stringify(paths)}`;
const filePart = (name: string, content: string) =>
  `Content-Disposition: form-data; name="${name}"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n${content}`;

/** POSTs a raw multipart body, with the preflight header, on a fresh connection. */
function postMultipart(url: string, body: string, contentType = `multipart/form-data; boundary=${BOUNDARY}`) {
  const head = postHead('/graphql', { 'Content-Type': contentType, 'Apollo-Require-Preflight': 'true' }, body);
  return rawRequest(url, head, body);
}

const imageState = async (t: Pick<TestServer, 'gql'>, id: string) =>
  (await t.gql(`query($id: ID!) { productImage(id: $id) { alt width byteSize } }`, { id })).body.data
    .productImage as unknown;

describe('multipart requests: malformed bodies against the real process', () => {
  let child: ChildServer;
  let gql: TestServer['gql'];
  let imageId: string;
  beforeAll(async () => {
    child = await startChildServer({ MEDIA_DATA_DIR: tempDataDir(), MEDIA_MAX_IMAGE_BYTES: String(MAX_IMAGE_BYTES) });
    gql = graphqlClient(child.url);
    imageId = await uploadImage({ gql }, 'multipart', await makeImage(30, 30));
  });
  afterAll(() => child.kill('SIGKILL'));

  const cases: { name: string; body: () => string; contentType?: string }[] = [
    {
      name: 'a part header that is not a header',
      body: () =>
        multipartBody(BOUNDARY, [
          operations(imageId),
          map({ 0: ['variables.input.file'] }),
          'Content-Dispo sition form-data name=\r\n\r\nabc',
        ]),
    },
    {
      name: 'a part with no headers at all',
      body: () => multipartBody(BOUNDARY, [operations(imageId), map({ 0: ['variables.input.file'] }), '\r\nabc']),
    },
    {
      name: 'an unterminated file part',
      body: () =>
        multipartBody(
          BOUNDARY,
          [operations(imageId), map({ 0: ['variables.input.file'] }), filePart('0', 'abc')],
          false,
        ),
    },
    {
      name: 'a part header line of 200,000 characters',
      body: () =>
        multipartBody(BOUNDARY, [
          operations(imageId),
          map({ 0: ['variables.input.file'] }),
          `X-Long: ${'a'.repeat(200_000)}\r\n${filePart('0', 'abc')}`,
        ]),
    },
    { name: 'a body that is not multipart at all', body: () => 'hello, world' },
    {
      name: 'operations that are not JSON',
      body: () =>
        multipartBody(BOUNDARY, ['Content-Disposition: form-data; name="operations"\r\n\r\n{"query":', map({})]),
    },
    {
      name: 'a file before the map',
      body: () =>
        multipartBody(BOUNDARY, [operations(imageId), filePart('0', 'abc'), map({ 0: ['variables.input.file'] })]),
    },
    {
      name: 'no boundary in the content type',
      body: () => multipartBody(BOUNDARY, [operations(imageId)]),
      contentType: 'multipart/form-data',
    },
  ];

  it.each(cases)(
    'answers $name with 400, and the process stays up with nothing changed',
    async ({ body, contentType }) => {
      const before = await imageState({ gql }, imageId);
      const res = await postMultipart(child.url, body(), contentType);
      expect(res.status).toBe(400);
      expect(res.body).toMatch(/"errors"/);
      expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/);
      expect(child.alive()).toBe(true);
      expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
      expect(await imageState({ gql }, imageId)).toEqual(before);
    },
  );

  it('refuses more than one file and a field over 1 MiB with 413, and a file over the image limit as FILE_TOO_LARGE', async () => {
    const before = await imageState({ gql }, imageId);
    const twoFiles = await postMultipart(
      child.url,
      multipartBody(BOUNDARY, [
        operations(imageId),
        map({ 0: ['variables.input.file'], 1: ['variables.input.alt'] }),
        filePart('0', 'a'),
        filePart('1', 'b'),
      ]),
    );
    expect(twoFiles.status).toBe(413);
    const bigField = await postMultipart(
      child.url,
      multipartBody(BOUNDARY, [operations(imageId).replace('from multipart', 'x'.repeat(1_100_000)), map({})]),
    );
    expect(bigField.status).toBe(413);

    const tooBig = await updateImageWithFile({ url: child.url }, { id: imageId }, Buffer.alloc(MAX_IMAGE_BYTES + 1, 1));
    const payload = ((await tooBig.json()) as any).data.updateImage;
    expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'FILE_TOO_LARGE', field: ['input', 'file'] })]);
    expect(await imageState({ gql }, imageId)).toEqual(before);
    expect(child.alive()).toBe(true);
  });
});

describe('multipart map paths', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it.each([
    ['__proto__.polluted'],
    ['constructor.prototype.polluted'],
    ['variables.__proto__.polluted'],
    ['variables.input.constructor.prototype.polluted'],
  ])('refuses %s with 400 and leaves Object.prototype untouched', async (path) => {
    const id = await uploadImage(t, 'proto', await makeImage(10, 10));
    const res = await postMultipart(
      t.url,
      multipartBody(BOUNDARY, [operations(id), map({ 0: [path] }), filePart('0', 'abc')]),
    );
    expect(res.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    expect(await imageState(t, id)).toEqual({ alt: null, width: 10, byteSize: expect.any(Number) });
  });
});

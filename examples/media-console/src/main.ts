// The media console: a product's images as a grid (upload by drop or picker,
// reorder by drag, thumbnail, delete) and its files, over product-media's
// GraphQL API with the typed client of examples/frontend-client.
import type { ConsoleProductQuery } from '../../frontend-client/src/gql/graphql';
import { deleteImage, reorderImages } from '../../frontend-client/src/manage-images';
import { execute, uploadImage } from '../../frontend-client/src/upload-image';
import { ConsoleProduct, SetThumbnail } from './operations';

type ConsoleImage = ConsoleProductQuery['productMedia']['images'][number];
type ConsoleFile = ConsoleProductQuery['productMedia']['files'][number];

/** Same origin: `npm run console` passes /graphql on to the gateway (vite.config.ts). */
const client = { endpoint: new URL('/graphql', location.href).href };

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

const ui = {
  form: element<HTMLFormElement>('product-form'),
  productId: element<HTMLInputElement>('product-id'),
  message: element<HTMLParagraphElement>('message'),
  dropZone: element<HTMLDivElement>('drop-zone'),
  fileInput: element<HTMLInputElement>('file-input'),
  uploadState: element<HTMLDivElement>('upload-state'),
  progress: element<HTMLProgressElement>('upload-progress'),
  percent: element<HTMLOutputElement>('upload-percent'),
  uploadLabel: element<HTMLSpanElement>('upload-label'),
  images: element<HTMLUListElement>('images'),
  noImages: element<HTMLParagraphElement>('no-images'),
  files: element<HTMLUListElement>('files'),
  noFiles: element<HTMLParagraphElement>('no-files'),
};

let productId = new URLSearchParams(location.search).get('product')?.trim() ?? '';
let images: ConsoleImage[] = [];
/** The tile being dragged, while a reorder drag is under way. */
let dragged: string | null = null;
/** Uploads run one after another, in the order they were dropped or picked. */
let uploads: Promise<void> = Promise.resolve();

function say(text: string, isError = false): void {
  ui.message.textContent = text;
  ui.message.classList.toggle('error', isError);
  ui.message.hidden = text === '';
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Runs one action of the user's, showing its failure instead of throwing it. */
async function attempt(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    say(messageOf(err), true);
  }
}

function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function loadProduct(): Promise<void> {
  const asked = productId;
  if (!asked) return;
  const { productMedia } = await execute(client, ConsoleProduct, { productId: asked });
  if (asked !== productId) return; // another product was opened meanwhile
  images = productMedia.images;
  renderImages();
  renderFiles(productMedia.files);
}

function renderImages(): void {
  ui.images.replaceChildren(...images.map((image, index) => tile(image, index)));
  ui.noImages.hidden = images.length > 0;
}

/** One image's tile, at `index` in the grid. */
function tile(image: ConsoleImage, index: number): HTMLLIElement {
  const label = image.name ?? image.alt ?? image.id.split('/').pop() ?? image.id;
  const li = el('li', 'tile');
  li.dataset.id = image.id;
  li.dataset.status = image.status;
  li.draggable = true;
  li.title = label;

  const picture = el('div', 'picture');
  if (image.dominantColor) picture.style.background = image.dominantColor;
  const src = image.tile ?? image.url;
  if (image.status === 'READY' && src) {
    const img = el('img');
    img.src = src;
    img.alt = image.alt ?? '';
    img.draggable = false; // the tile is dragged, not the picture
    picture.append(img);
  } else {
    picture.textContent = image.failureReason ?? image.status.toLowerCase().replace('_', ' ');
  }
  li.append(picture);
  if (image.isThumbnail) li.append(el('span', 'badge', 'Thumbnail'));

  const size = image.width && image.height ? `${image.width} × ${image.height}` : '';
  const caption = el('div', 'caption', `#${index + 1} ${size}`);
  if (!image.enabled) caption.append(el('span', 'meta', ' (disabled)'));
  li.append(caption);

  const actions = el('div', 'actions');
  const makeThumbnail = el('button', 'set-thumbnail', image.isThumbnail ? 'Thumbnail' : 'Make thumbnail');
  makeThumbnail.type = 'button';
  makeThumbnail.disabled = image.isThumbnail || image.status !== 'READY';
  makeThumbnail.addEventListener('click', () => void attempt(() => setThumbnail(image)));
  const remove = el('button', 'delete', 'Delete');
  remove.type = 'button';
  remove.addEventListener('click', () => void attempt(() => removeImage(image, label)));
  actions.append(makeThumbnail, remove);
  li.append(actions);

  li.addEventListener('dragstart', (event) => {
    dragged = image.id;
    li.classList.add('dragging');
    event.dataTransfer?.setData('text/plain', image.id);
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
  });
  li.addEventListener('dragend', () => {
    dragged = null;
    li.classList.remove('dragging');
  });
  li.addEventListener('dragover', (event) => {
    if (!dragged || dragged === image.id) return;
    event.preventDefault();
    li.classList.add('drop-target');
  });
  li.addEventListener('dragleave', () => li.classList.remove('drop-target'));
  li.addEventListener('drop', (event) => {
    li.classList.remove('drop-target');
    const moving = dragged;
    if (!moving || moving === image.id) return;
    event.preventDefault();
    event.stopPropagation();
    void attempt(() => moveImage(moving, image.id));
  });
  return li;
}

function renderFiles(files: ConsoleFile[]): void {
  ui.files.replaceChildren(
    ...files.map((file) => {
      const li = el('li');
      li.dataset.id = file.id;
      if (file.downloadUrl) {
        const link = el('a', 'download', file.fileName);
        link.href = file.downloadUrl;
        link.download = file.fileName;
        li.append(link);
      } else {
        li.append(el('span', undefined, file.fileName));
      }
      const meta = [file.contentType, formatBytes(file.byteSize)].filter(Boolean).join(', ');
      if (meta) li.append(el('span', 'meta', ` (${meta})`));
      return li;
    }),
  );
  ui.noFiles.hidden = files.length > 0;
}

/** Drops tile `moving` where tile `onto` is: after it when dragged forward, before it when dragged back. */
async function moveImage(moving: string, onto: string): Promise<void> {
  const ids = images.map((image) => image.id);
  const from = ids.indexOf(moving);
  const to = ids.indexOf(onto);
  if (from < 0 || to < 0) return;
  ids.splice(from, 1);
  ids.splice(to, 0, moving);
  // reorderImages orders one provider's images: the dragged image's.
  const provider = images[from]?.provider;
  const sameProvider = new Set(images.filter((image) => image.provider === provider).map((image) => image.id));
  const order = ids.filter((id) => sameProvider.has(id));
  // Show the new order at once; the product as stored replaces it below.
  images = ids.map((id) => images.find((image) => image.id === id)!);
  renderImages();
  try {
    await reorderImages(client, productId, order);
    say('Order saved.');
  } finally {
    await loadProduct();
  }
}

async function setThumbnail(image: ConsoleImage): Promise<void> {
  const { setThumbnail: payload } = await execute(client, SetThumbnail, { imageId: image.id });
  const refused = payload.userErrors[0];
  if (refused) throw new Error(`${refused.code}: ${refused.message}`);
  say('Thumbnail set.');
  await loadProduct();
}

async function removeImage(image: ConsoleImage, label: string): Promise<void> {
  if (!window.confirm(`Delete ${label}? Its URLs stop working at once.`)) return;
  await deleteImage(client, image.id);
  say('Image deleted.');
  await loadProduct();
}

function showProgress(loaded: number, total: number): void {
  const percent = total > 0 ? Math.min(100, Math.round((100 * loaded) / total)) : 100;
  ui.progress.value = percent;
  ui.percent.value = `${percent}%`;
}

/** Uploads `files` one by one, the progress bar counting the bytes of them all. */
async function uploadFiles(files: File[]): Promise<void> {
  const forProduct = productId;
  if (!forProduct) {
    say('Open a product first.', true);
    return;
  }
  const total = files.reduce((sum, file) => sum + file.size, 0);
  let sent = 0;
  const failed: string[] = [];
  ui.uploadState.hidden = false;
  showProgress(0, total);
  for (const [index, file] of files.entries()) {
    ui.uploadLabel.textContent = `Uploading ${index + 1} of ${files.length}: ${file.name}`;
    try {
      await uploadImage({
        ...client,
        productId: forProduct,
        file,
        fileName: file.name,
        onProgress: ({ loaded }) => {
          showProgress(sent + loaded, total);
          if (loaded >= file.size) ui.uploadLabel.textContent = `Processing ${file.name}`;
        },
      });
    } catch (err) {
      failed.push(`${file.name}: ${messageOf(err)}`);
    }
    sent += file.size;
    showProgress(sent, total);
    await attempt(loadProduct);
  }
  const done = files.length - failed.length;
  ui.uploadLabel.textContent = `Uploaded ${done} of ${files.length}`;
  if (failed.length) say(`Not uploaded: ${failed.join('; ')}`, true);
  else say(`Uploaded ${done} image${done === 1 ? '' : 's'}.`);
}

function queueUploads(files: FileList | null | undefined): void {
  const list = [...(files ?? [])];
  if (list.length === 0) return;
  uploads = uploads.then(() => attempt(() => uploadFiles(list)));
}

const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;

ui.fileInput.addEventListener('change', () => {
  queueUploads(ui.fileInput.files);
  ui.fileInput.value = ''; // the same file may be picked again
});
ui.dropZone.addEventListener('dragover', (event) => {
  if (!carriesFiles(event)) return;
  event.preventDefault();
  ui.dropZone.classList.add('over');
});
ui.dropZone.addEventListener('dragleave', () => ui.dropZone.classList.remove('over'));
ui.dropZone.addEventListener('drop', (event) => {
  ui.dropZone.classList.remove('over');
  if (!carriesFiles(event)) return;
  event.preventDefault();
  queueUploads(event.dataTransfer?.files);
});
// A file dropped beside the zone must not make the browser leave the console to show it.
window.addEventListener('dragover', (event) => {
  if (carriesFiles(event)) event.preventDefault();
});
window.addEventListener('drop', (event) => {
  if (carriesFiles(event)) event.preventDefault();
});

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  productId = ui.productId.value.trim();
  const url = new URL(location.href);
  url.searchParams.set('product', productId);
  history.pushState(null, '', url);
  say('');
  void attempt(loadProduct);
});
window.addEventListener('popstate', () => {
  productId = new URLSearchParams(location.search).get('product')?.trim() ?? '';
  ui.productId.value = productId;
  void attempt(loadProduct);
});

ui.productId.value = productId;
if (productId) void attempt(loadProduct);
else say('Enter a product id to see its media.');

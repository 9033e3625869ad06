/** The catalogue and the cart (kept in the wallet's storage for this mini program). */
const CART_KEY = 'tigris-market:cart';

export const PRODUCTS = [
  { id: 'dates', price: 12000, tone: 'amber' },
  { id: 'kleicha', price: 8500, tone: 'sand' },
  { id: 'tea', price: 6000, tone: 'rose' },
  { id: 'dibis', price: 5500, tone: 'brown' },
  { id: 'sumac', price: 3000, tone: 'red' },
  { id: 'coffee', price: 9000, tone: 'green' },
];

/** The cart, read from storage once (only this module writes it). */
let loaded = null;

function load() {
  try {
    const res = my.getStorageSync({ key: CART_KEY });
    const raw = JSON.parse((res && res.data) || '{}');
    const cart = {};
    for (const p of PRODUCTS) if (Number.isInteger(raw[p.id]) && raw[p.id] > 0) cart[p.id] = Math.min(raw[p.id], 99);
    return cart;
  } catch (error) {
    return {};
  }
}

function read() {
  if (!loaded) loaded = load();
  return Object.assign({}, loaded);
}

function write(cart) {
  loaded = cart;
  my.setStorageSync({ key: CART_KEY, data: JSON.stringify(cart) });
}

export function cartItems() {
  const cart = read();
  return PRODUCTS.filter((p) => cart[p.id]).map((p) => ({ id: p.id, price: p.price, qty: cart[p.id], tone: p.tone }));
}

export function addToCart(id) {
  const cart = read();
  if (!PRODUCTS.some((p) => p.id === id)) return;
  cart[id] = Math.min((cart[id] || 0) + 1, 99);
  write(cart);
}

export function removeFromCart(id) {
  const cart = read();
  delete cart[id];
  write(cart);
}

export function clearCart() {
  write({});
}

/** The catalogue and the cart (kept in the wallet's storage for this mini program). */
import { CART_KEY, PRODUCTS, parseCart } from './story';

/** The cart, read from storage once (only this module writes it). */
let loaded = null;

function load() {
  try {
    const res = my.getStorageSync({ key: CART_KEY });
    return parseCart(res && res.data);
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

/**
 * `my.request` with JSON both ways, as a promise of `{ status, data }`. HTTP errors resolve (some
 * base libraries report them through `fail` with a status); only an unreachable server rejects.
 */
export function request(url, options) {
  const o = options || {};
  return new Promise((resolve, reject) => {
    my.request({
      url,
      method: o.method || 'GET',
      headers: Object.assign({ 'Content-Type': 'application/json' }, o.headers || {}),
      data: o.body === undefined ? undefined : JSON.stringify(o.body),
      dataType: 'json',
      timeout: 15000,
      success: (res) => resolve({ status: res.status, data: res.data }),
      fail: (res) => (res && typeof res.status === 'number' ? resolve({ status: res.status, data: res.data }) : reject(new Error('The server could not be reached.'))),
    });
  });
}

const axios = require("axios");

const priceCache = new Map();

async function fetchPrice(sku) {
  const response = await axios.get(`${process.env.SUPPLIER_API}/prices/${sku}`);
  priceCache.set(sku, response.data.price);
  return response.data.price;
}

async function syncAll(skus) {
  for (const sku of skus) {
    try {
      await fetchPrice(sku);
    } catch (err) {}
  }
}

module.exports = { fetchPrice, syncAll, priceCache };

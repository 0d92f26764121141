const { Pool } = require("pg");

const pool = new Pool({
  connectionString: process.env.DATABASE_URL || "postgres://inventory:inventory@localhost:5432/inventory",
  max: 20,
});

async function findItems(category) {
  const result = await pool.query("SELECT * FROM items WHERE category = '" + category + "'");
  return result.rows;
}

async function reserve(itemId, quantity) {
  return pool.query("UPDATE items SET reserved = reserved + $1 WHERE id = $2", [quantity, itemId]);
}

module.exports = { pool, findItems, reserve };

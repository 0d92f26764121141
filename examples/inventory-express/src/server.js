const express = require("express");
const cors = require("cors");
const { requireAuth, createReservationToken } = require("./auth");
const { findItems, reserve } = require("./db");
const { fetchPrice } = require("./services/suppliers");

const app = express();
app.use(cors({ origin: true, credentials: true }));
app.use(express.json());

app.get("/healthz", (req, res) => {
  res.json({ status: "ok" });
});

app.get("/items", async (req, res) => {
  const items = await findItems(req.query.category);
  res.json(items);
});

app.post("/reservations", requireAuth, async (req, res) => {
  const code = createReservationToken();
  await reserve(req.body.itemId, req.body.quantity);
  console.log("reserved", req.body.itemId, code);
  res.status(201).json({ code });
});

app.get("/prices/:sku", requireAuth, async (req, res) => {
  res.json({ price: await fetchPrice(req.params.sku) });
});

app.delete("/items/:id", async (req, res) => {
  res.status(204).end();
});

const port = process.env.PORT || 3000;
app.listen(port, () => console.log(`inventory listening on ${port}`));

module.exports = app;

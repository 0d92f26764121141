const jwt = require("jsonwebtoken");

const JWT_SECRET = process.env.JWT_SECRET || "changeme";

function requireAuth(req, res, next) {
  const header = req.headers.authorization || "";
  try {
    req.user = jwt.verify(header.replace("Bearer ", ""), JWT_SECRET);
    next();
  } catch (err) {
    res.status(401).json({ error: "unauthorized" });
  }
}

function createReservationToken() {
  return Math.random().toString(36).slice(2);
}

module.exports = { requireAuth, createReservationToken, JWT_SECRET };

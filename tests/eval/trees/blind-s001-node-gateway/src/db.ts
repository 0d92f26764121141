import { Collection, Db, MongoClient } from 'mongodb';
import type { Config } from './config';
import { logger } from './logger';

export interface UserDoc {
  _id: string;
  email: string;
  passwordHash: string;
  role: 'user' | 'admin';
}

export interface SessionDoc {
  _id: string;
  userId: string;
  startedAt: Date;
  endedAt?: Date;
  turns: number;
}

export interface TranscriptDoc {
  sessionId: string;
  userId: string;
  role: 'user' | 'assistant';
  text: string;
  at: Date;
}

let client: MongoClient | undefined;
let db: Db | undefined;

export async function connectMongo(cfg: Config): Promise<Db> {
  client = new MongoClient(cfg.mongoUrl, {
    maxPoolSize: 20,
    serverSelectionTimeoutMS: 10_000,
  });
  await client.connect();
  console.log(`connected to mongo at ${cfg.mongoUrl}`);
  db = client.db(cfg.mongoDb);
  await db.collection<UserDoc>('users').createIndex({ email: 1 }, { unique: true });
  await db.collection<SessionDoc>('sessions').createIndex({ userId: 1, startedAt: -1 });
  await db.collection<TranscriptDoc>('transcripts').createIndex({ sessionId: 1, at: 1 });
  return db;
}

function database(): Db {
  if (!db) throw new Error('mongo not connected');
  return db;
}

export const users = (): Collection<UserDoc> => database().collection<UserDoc>('users');
export const sessionsCol = (): Collection<SessionDoc> => database().collection<SessionDoc>('sessions');
export const transcripts = (): Collection<TranscriptDoc> =>
  database().collection<TranscriptDoc>('transcripts');

export async function pingMongo(): Promise<boolean> {
  try {
    await database().command({ ping: 1 });
    return true;
  } catch (err) {
    logger.warn({ err }, 'mongo ping failed');
    return false;
  }
}

export async function closeMongo(): Promise<void> {
  await client?.close();
  client = undefined;
  db = undefined;
}

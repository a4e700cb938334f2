import { z } from 'zod';

const Id = z.number().int().positive();

/** The record a note, a task or a timeline belongs to. */
export const RecordType = z.enum(['contact', 'company', 'deal']);
export type RecordType = z.infer<typeof RecordType>;

export const RecordRef = z.object({ type: RecordType, id: Id }).strict();
export type RecordRef = z.infer<typeof RecordRef>;

export const Note = z.object({
  id: Id,
  record: RecordRef,
  body: z.string(),
  author: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Note = z.infer<typeof Note>;

export const Task = z.object({
  id: Id,
  record: RecordRef,
  title: z.string(),
  dueAt: z.string().nullable(),
  doneAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Task = z.infer<typeof Task>;

/** An ISO 8601 date-time (or a plain date, taken as the start of that day UTC). */
const DueAt = z
  .string()
  .trim()
  .refine((text) => !Number.isNaN(Date.parse(text)), 'Use a date or date-time')
  .transform((text) => new Date(text).toISOString());

export const CreateNoteInput = z
  .object({ record: RecordRef, body: z.string().trim().min(1, 'Write something').max(20_000) })
  .strict();
export type CreateNoteInput = z.infer<typeof CreateNoteInput>;

export const CreateTaskInput = z
  .object({
    record: RecordRef,
    title: z.string().trim().min(1, 'Enter a title').max(500),
    dueAt: DueAt.nullable().optional(),
  })
  .strict();
export type CreateTaskInput = z.infer<typeof CreateTaskInput>;

export const UpdateTaskInput = z
  .object({
    id: Id,
    title: z.string().trim().min(1, 'Enter a title').max(500).optional(),
    dueAt: DueAt.nullable().optional(),
    done: z.boolean().optional(),
  })
  .strict();
export type UpdateTaskInput = z.infer<typeof UpdateTaskInput>;

const ItemBase = { key: z.string(), at: z.string() };

export const TimelineThread = z.object({
  kind: z.literal('thread'),
  ...ItemBase,
  threadId: Id,
  subject: z.string().nullable(),
  /** Messages of the thread that belong to the record. */
  messages: z.number().int().positive(),
  latest: z.object({
    messageId: Id,
    from: z.object({ name: z.string(), address: z.string() }),
    date: z.string(),
    direction: z.enum(['sent', 'received']),
    snippet: z.string(),
  }),
});
export const TimelineNote = z.object({
  kind: z.literal('note'),
  ...ItemBase,
  noteId: Id,
  body: z.string(),
  author: z.string().nullable(),
});
export const TimelineTask = z.object({
  kind: z.literal('task'),
  ...ItemBase,
  taskId: Id,
  title: z.string(),
  dueAt: z.string().nullable(),
  doneAt: z.string().nullable(),
});
export const TimelineStage = z.object({
  kind: z.literal('stage'),
  ...ItemBase,
  dealId: Id,
  dealName: z.string(),
  fromStage: z.string().nullable(),
  toStage: z.string(),
});
export const TimelineItem = z.discriminatedUnion('kind', [TimelineThread, TimelineNote, TimelineTask, TimelineStage]);
export type TimelineItem = z.infer<typeof TimelineItem>;

export const TimelineInput = z
  .object({
    record: RecordRef,
    cursor: z.string().min(1).max(300).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();
export type TimelineInput = z.infer<typeof TimelineInput>;

export const TimelinePage = z.object({ items: z.array(TimelineItem), next: z.string().nullable() });
export type TimelinePage = z.infer<typeof TimelinePage>;

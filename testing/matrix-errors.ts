import { MatrixError } from "../components/internal/http/matrix-error.js";

/** The Matrix error `work` rejects with; fails the test if it resolves or rejects with anything else. */
export async function matrixErrorOf(work: Promise<unknown>): Promise<MatrixError> {
  try {
    await work;
  } catch (err) {
    if (err instanceof MatrixError) return err;
    throw err;
  }
  throw new Error("expected a Matrix error");
}

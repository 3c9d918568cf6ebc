/** Identifies the client request that made an event, so the sender's device sees its echo. */
export interface TransactionId {
  userId: string;
  deviceId: string;
  transactionId: string;
}

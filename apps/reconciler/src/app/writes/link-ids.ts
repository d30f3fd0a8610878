/** A link's ids on both sides (null until the create there landed). */
export interface LinkIds {
  salesConnectTaskId: string | null;
  sfdcTaskId: string | null;
}

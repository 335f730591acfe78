/** A network of the mesh, as `/mesh.json` lists it (the server's `ExplorerEndpoint`). */
export type Network = {
  name: string
  kind: 'mainnet' | 'spn'
  chainId: number
  vms: string[]
  role?: string
  rpcUrl: string
  wsUrl: string
  contracts?: Record<string, string>
}

/** A block header as eth_getBlockByNumber returns it (the fields the explorer reads). */
export type RPCBlock = {
  number: string
  hash: string
  parentHash: string
  timestamp: string
  gasUsed: string
  gasLimit: string
  miner?: string
  stateRoot?: string
  transactions: (string | RPCTransaction)[]
}

export type RPCTransaction = {
  hash: string
  from: string
  to: string | null
  value: string
  nonce: string
  input: string
  gas: string
  blockNumber: string | null
  type?: string
}

export type RPCLog = { address: string; topics: string[]; data: string; logIndex?: string }

export type RPCReceipt = {
  status: string
  gasUsed: string
  contractAddress: string | null
  logs: RPCLog[]
  blockNumber: string
}

/** One message an SPN sent (`mesh_getMessages`). */
export type SentMessage = {
  position: number
  batch: number
  block: string
  txHash: string
  srcSpn: string
  dstSpn: string
  sender: string
  to: string
  value: string
  data: string
}

/** One settlement an SPN built (`mesh_getSettlements`). */
export type SettlementJSON = {
  batch: number
  fromBlock: string
  toBlock: string
  startIndex: string
  leafCount: string
  newStateRoot: string
  newExitRoot: string
  headerHash: string
  status: 'pending' | 'accepted'
  transactionHash: string | null
}

/** One inbound message of an SPN (`mesh_getInbox`). */
export type InboxEntry = {
  srcSpn: string
  position: string
  sender: string
  to: string
  value: string
  status: 'queued' | 'delivered' | 'failed' | 'error'
  transactionHash: string | null
  blockNumber: string | null
  error: string | null
}

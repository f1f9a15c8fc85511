import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { perContainer } from '../../lambda/container';
import { sdkClient } from './sdk-client';

/** The DynamoDB document client with the marshalling options the store relies on (the cloud's and the local runtime's). */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

const lowLevelClient = sdkClient(DynamoDBClient);

export const dynamoDbClient = perContainer(() => documentClient(lowLevelClient()));

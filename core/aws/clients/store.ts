import { requireSetting } from '../../lambda/config';
import { containerConfig, perContainer } from '../../lambda/container';
import { StreamStore } from '../store';
import { dynamoDbClient } from './dynamodb';

export const streamStore = perContainer(() => new StreamStore(dynamoDbClient(), requireSetting(containerConfig(), 'TABLE_NAME')));

import { NotFoundException, PipeTransform } from '@nestjs/common';
import { SFDC_ORG_ID } from './org-reader';

/** An `:orgId` that cannot be a Salesforce org id answers 404 like an org without a reader. */
export class OrgIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!SFDC_ORG_ID.test(value))
      throw new NotFoundException({ error: 'ORG_READER_NOT_FOUND', message: 'no reader for that Salesforce org' });
    return value;
  }
}

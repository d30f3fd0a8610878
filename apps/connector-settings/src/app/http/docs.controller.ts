import { Controller, Get, Header } from '@nestjs/common';
import { buildOpenApiDocument } from './openapi';

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>task-sync connector-settings API</title></head>
<body><h1>connector-settings API</h1><p>The OpenAPI 3.1 description: <a href="/docs/openapi.json">/docs/openapi.json</a>.</p></body></html>`;

/** The API description, public like the health endpoints. */
@Controller('docs')
export class DocsController {
  private readonly document = buildOpenApiDocument();

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get('openapi.json')
  openapi(): object {
    return this.document;
  }
}

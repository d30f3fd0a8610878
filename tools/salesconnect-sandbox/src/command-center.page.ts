import type { CommandCenterDay, CommandCenterView } from './command-center';
import type { User } from './user.model';

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function renderDay(title: string, day: CommandCenterDay): string {
  const rows = day.tasks
    .map((t) => {
      const done = t.status === 'Complete';
      return (
        `<li class="${done ? 'done' : 'open'}" data-task-id="${escapeHtml(t.id)}">${done ? '✔ ' : ''}<strong>${escapeHtml(t.name)}</strong>` +
        ` <span class="meta">${escapeHtml(t.type)} · ${escapeHtml(t.priority)}${t.contactEmail ? ` · ${escapeHtml(t.contactEmail)}` : ''}${done ? ' · completed' : ''}</span></li>`
      );
    })
    .join('\n');
  return `<section><h2>${title} <time datetime="${day.date}">${day.date}</time></h2>\n<ul>${rows || '<li class="empty">Nothing due.</li>'}</ul></section>`;
}

/** Command Center as a page a person can look at while testing the sync. */
export function renderCommandCenterPage(user: User, view: CommandCenterView): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Command Center · ${escapeHtml(user.email)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;color:#222}
li{margin:.3rem 0}.done{color:#888;text-decoration:line-through}.meta{color:#666;font-size:.9em}.empty{color:#888}</style></head>
<body><h1>Command Center</h1>
<p>${escapeHtml(user.name)} &lt;${escapeHtml(user.email)}&gt; · time zone <strong>${escapeHtml(view.timeZone)}</strong> · sandbox clock ${view.now}</p>
${renderDay('Today', view.today)}
${renderDay('Tomorrow', view.tomorrow)}
</body></html>`;
}

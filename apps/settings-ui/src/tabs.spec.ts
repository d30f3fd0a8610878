import { availableTabs, tabAfterKey, tabFromHash } from './tabs';

describe('the views a user has', () => {
  it('a rep without a connection: Connection only; with one: Health and the timeline too; an admin: Admin too', () => {
    expect(availableTabs(false, false)).toEqual(['connection']);
    expect(availableTabs(true, false)).toEqual(['connection', 'health', 'timeline']);
    expect(availableTabs(false, true)).toEqual(['connection', 'admin']);
    expect(availableTabs(true, true)).toEqual(['connection', 'health', 'timeline', 'admin']);
  });

  it('the arrow keys move between tabs and wrap; Home and End go to the ends', () => {
    const tabs = availableTabs(true, true);
    expect(tabAfterKey(tabs, 'connection', 'ArrowRight')).toBe('health');
    expect(tabAfterKey(tabs, 'admin', 'ArrowRight')).toBe('connection');
    expect(tabAfterKey(tabs, 'connection', 'ArrowLeft')).toBe('admin');
    expect(tabAfterKey(tabs, 'timeline', 'Home')).toBe('connection');
    expect(tabAfterKey(tabs, 'health', 'End')).toBe('admin');
    expect(tabAfterKey(tabs, 'health', 'Enter')).toBeNull();
  });

  it('the fragment opens a view the user has, else Connection', () => {
    expect(tabFromHash('#health', ['connection', 'health'])).toBe('health');
    expect(tabFromHash('#admin', ['connection', 'health'])).toBe('connection');
    expect(tabFromHash('', ['connection'])).toBe('connection');
  });
});

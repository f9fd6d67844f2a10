import { App } from 'antd';
import type { ComponentType } from 'react';

/**
 * Gives a page antd's App context (message, notification, modal through App.useApp). It is added per
 * page, not around the whole app, so pages that show no such feedback do not load its code.
 */
export default function withFeedback<P extends object>(Page: ComponentType<P>): ComponentType<P> {
  function PageWithFeedback(props: P) {
    return (
      <App component={false}>
        <Page {...props} />
      </App>
    );
  }
  PageWithFeedback.displayName = `withFeedback(${Page.displayName ?? Page.name})`;
  return PageWithFeedback;
}

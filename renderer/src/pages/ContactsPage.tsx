export { ContactsPage } from './contacts/ContactsPage.js';
